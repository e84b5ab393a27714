"""Paying MSME suppliers after an award: purchase orders, deliveries, invoices, payments."""
