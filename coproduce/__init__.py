"""Coproduce: a platform for coproduced healthcare."""
