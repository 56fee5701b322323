"""Speech-to-text served from a package entry point; every setting lives in pyproject.toml."""

import fal


class Transcriber(fal.App):
    def setup(self):
        from faster_whisper import WhisperModel

        self.model = WhisperModel("large-v3", device="cuda")

    @fal.endpoint("/")
    def transcribe(self, audio_url: str) -> dict:
        segments, _ = self.model.transcribe(audio_url)
        return {"text": " ".join(segment.text for segment in segments)}
