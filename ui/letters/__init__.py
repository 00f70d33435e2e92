"""Official letters from the windows: batches and single letters with a preview, office settings, templates."""
