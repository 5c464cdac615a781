"""The telephone IVR: declarative flows from ivr_flows/, walked one webhook at a time."""
