"""The today view (วันนี้): notices to deliver and ask tasks open on the working day."""
