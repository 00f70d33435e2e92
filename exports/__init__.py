"""Files out of the domain: letters and plans (PDF), sync bundles, spreadsheets. No Qt."""
