"""Writes for counter service, split by area: tickets (kiosk), counter (console),
berkas, compensation.  Every function is keyword-only, atomic and audited."""
