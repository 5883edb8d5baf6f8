"""Models of the generic data routes (imported by endpoints.models so Django finds them)."""
