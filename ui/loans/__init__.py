"""The loan register (ทะเบียนเงินกู้), the loan page and the dialogs that write to a loan."""
