"""Rasa's CollectingOutputChannel as the web chat needs it: one message per bot reply (the page lays
out its paragraphs) and the name of the response it came from (to show an emergency prominently)."""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel


class WebChatOutput(CollectingOutputChannel):  # type: ignore[misc] # Rasa ships no type information
    """Collects the bot's replies for one web chat message, each with its `utter_action`."""

    @classmethod
    def name(cls) -> str:
        # Responses may have `channel: webchat` variations.
        return "webchat"

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        # The base class splits paragraphs into separate messages; one reply stays one message here.
        await self._persist_message(
            {**self._message(recipient_id, text=text.strip()), "utter_action": kwargs.get("utter_action")}
        )

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self._persist_message(
            {**self._message(recipient_id, text=text, buttons=buttons), "utter_action": kwargs.get("utter_action")}
        )
