"""`coproduce create_administrator`: the first administrator of a new installation."""

import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from coproduce.accounts.models import Role
from coproduce.accounts.services import user_create
from coproduce.network.models import Network
from coproduce.network.services import network_create


class Command(BaseCommand):
    help = "Create an administrator (and the network, if it does not exist yet)."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument("--network", required=True, help="network slug, e.g. 'west'")
        parser.add_argument("--network-name", default="", help="name for a new network")

    def handle(self, *args, username, email, network, network_name, **options):
        found = Network.objects.filter(slug=network).first()
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        try:
            if found is None:
                found = network_create(actor=None, slug=network, name=network_name or network)
            user_create(
                actor=None,
                username=username,
                email=email,
                password=password,
                role=Role.ADMINISTRATOR,
                network=found,
            )
        except ValidationError as error:
            raise CommandError(
                "; ".join(
                    f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items()
                )
            ) from None
        self.stdout.write(
            f"Administrator {username} created. At first log-in they set up "
            "two-step verification with an authenticator app."
        )
