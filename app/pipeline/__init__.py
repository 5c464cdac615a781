"""The pipeline: parse -> persist -> identify -> understand -> decide -> act -> outbox -> send."""
