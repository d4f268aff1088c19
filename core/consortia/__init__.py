"""Consortium building: who forms a proposal team, and whether it meets Horizon Europe's rules."""
