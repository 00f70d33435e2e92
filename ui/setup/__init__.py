"""Setting up the laptop's own subdistrict: the first-run wizard, File → ตั้งค่า…, and starting the officer's
own database from the demo.

One widget per part of the set-up (officer and office, place, villages, funds, groups, letterhead) is shown
both as a wizard page and as a settings tab; every part writes only through the domain (`fieldtool.setup`,
`places`, `funds`, `groups`, `letters`), so each save is in the change log and in the next bundle.
"""
