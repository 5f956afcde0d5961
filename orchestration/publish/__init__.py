"""Outputs for other systems: the suppression export."""
