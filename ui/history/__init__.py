"""The change log on screen (ประวัติการแก้ไข): who changed what, on which device, when."""
