"""Understanding what a resident needs: intent, entities and safety cues."""
