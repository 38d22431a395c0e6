"""rasa-sdk adapters over the `bot` package; the action server imports every module here."""
