"""Target households (ครัวเรือนเป้าหมาย): the register, adding one (with the duplicate guard), the household page."""
