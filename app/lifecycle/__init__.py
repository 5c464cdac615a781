"""Case lifecycles: stages, transitions, SLA clocks and the notifications they cause."""
