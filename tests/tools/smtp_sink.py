"""A real SMTP server for the mail tests (aiosmtpd), with faults on request.

Prints "PORT <n>" once it listens on 127.0.0.1. Every accepted message is written to
DIR/<n>.eml and summarised, as parsed by Python's own email package (an independent parser),
in DIR/messages.jsonl: Message-ID, headers, the MIME tree, the text, and attachments.

  --refuse-first N   answer the first N messages' DATA with 451 (try again later)
  --refuse-all       answer every DATA with 451
  --reject-all       answer every DATA with 550 (permanent)
  --stall-at K       hold the K-th RCPT TO until the file DIR/release exists (a worker killed
                     while it waits has not handed the message over)
"""

import argparse
import asyncio
import json
import os
import socket
import sys
import time
from email import policy
from email.parser import BytesParser

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, args):
        self.args = args
        self.datas = 0
        self.rcpts = 0
        self.accepted = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpts += 1
        if self.args.stall_at and self.rcpts == self.args.stall_at:
            release = os.path.join(self.args.dir, "release")
            with open(os.path.join(self.args.dir, "stalled"), "w") as f:
                f.write(str(time.time()))
            while not os.path.exists(release):
                await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.datas += 1
        a = self.args
        if a.reject_all:
            return "550 5.7.1 rejected for the test"
        if a.refuse_all or self.datas <= a.refuse_first:
            return "451 4.3.0 try again later"
        self.accepted += 1
        raw = envelope.original_content or envelope.content
        with open(os.path.join(a.dir, "%04d.eml" % self.accepted), "wb") as f:
            f.write(raw)
        msg = BytesParser(policy=policy.default).parsebytes(raw)
        text = msg.get_body(preferencelist=("plain",))
        html = msg.get_body(preferencelist=("html",))
        summary = {
            "n": self.accepted,
            "refused_before": self.datas - self.accepted,
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "message_id": msg["Message-ID"],
            "from": str(msg["From"]),
            "to": str(msg["To"]),
            "subject": str(msg["Subject"]),
            "date": msg["Date"] is not None,
            "tree": [p.get_content_type() for p in msg.walk()],
            "text": text.get_content() if text is not None else None,
            "html": html.get_content() if html is not None else None,
            "attachments": [
                {
                    "filename": p.get_filename(),
                    "content_type": p.get_content_type(),
                    "method": p.get_param("method"),
                    "content": p.get_content() if p.get_content_maintype() == "text" else None,
                }
                for p in msg.iter_attachments()
            ],
        }
        with open(os.path.join(a.dir, "messages.jsonl"), "a", encoding="utf-8") as f:
            f.write(json.dumps(summary, ensure_ascii=False) + "\n")
        return "250 2.0.0 accepted"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--refuse-first", type=int, default=0)
    p.add_argument("--refuse-all", action="store_true")
    p.add_argument("--reject-all", action="store_true")
    p.add_argument("--stall-at", type=int, default=0)
    args = p.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    # aiosmtpd checks it is up by connecting to its port, so it cannot take port 0 itself.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Sink(args), hostname="127.0.0.1", port=port, ready_timeout=10)
    controller.start()
    print("PORT %d" % port, flush=True)
    try:
        # Until the test closes our standard input (or kills us).
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
