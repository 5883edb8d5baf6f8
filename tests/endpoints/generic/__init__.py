"""Tests of the generic data routes."""
