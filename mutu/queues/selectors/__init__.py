"""Reads for counter service, split by area: schedule (here), tickets, console, board,
berkas, compensation.  Each module imports what it needs from here."""
