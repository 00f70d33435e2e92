"""The arrears page (หนี้ค้างชำระ): aging buckets and PAR30 by fund and by village."""
