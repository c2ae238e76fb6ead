"""Membership fees: the yearly schedule's prices (``pricing``), the fee records' reads
(``selectors``) and writes (``services``)."""
