"""Plumbing every feature stands on: database base, shared state, jobs, logging, health, errors."""
