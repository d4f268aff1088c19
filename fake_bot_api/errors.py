"""Error answers the way Telegram words them, raised inside the fake and sent as JSON."""

from __future__ import annotations

from fake_bot_api.limits import JSONDict


class ApiError(Exception):
    """An error answer with Telegram's status code and description."""

    def __init__(self, status: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> JSONDict:
        """The JSON body Telegram would send for this error."""
        body: JSONDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad(description: str) -> ApiError:
    """Shorthand for the most common answer, a 400 Bad Request."""
    return ApiError(400, f"Bad Request: {description}")
