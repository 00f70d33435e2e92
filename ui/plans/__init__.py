"""The 4ท household plan (แผนพัฒนาครัวเรือน): the editor with revisions, and the summary across households."""
