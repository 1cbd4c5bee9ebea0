"""What keeps the web server to its job: a content security policy on every page, no type sniffing, files
served only from inside their folder, and knowing when a listening address reaches other machines."""

import ipaddress
from pathlib import Path

# The browser's own guard, should anything slip through the escaping: the chat page may load, send and embed
# nothing outside this server. (Gradio needs inline and evaluated scripts, inline styles, data: and blob: images.)
CHAT_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; media-src 'self' data: blob:; connect-src 'self'; "
    "worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)


class SecurityHeaders:
    """Gives every response that sets none its content security policy, and no response may be sniffed into
    another type. (Plain ASGI, so the chat's event streams pass through untouched.)"""

    def __init__(self, app, policy: str):
        self.app = app
        self.headers = [(b"content-security-policy", policy.encode()), (b"x-content-type-options", b"nosniff")]

    async def __call__(self, scope, receive, send):
        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                present = {key.lower() for key, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in self.headers if h[0] not in present)]
            await send(message)

        await self.app(scope, receive, send_with_headers if scope["type"] == "http" else send)


def inside(path: Path, folder: Path) -> bool:
    """Whether `path` is a file that, links followed, lies in `folder`."""
    try:
        return path.resolve(strict=True).is_relative_to(folder.resolve(strict=True)) and path.is_file()
    except OSError:  # missing, or a link that loops
        return False


def is_loopback(host: str) -> bool:
    """Whether listening on `host` keeps the server to this machine ("localhost", 127.0.0.1, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a name other than localhost may be any interface's
        return False
