"""`coproduce totp USERNAME`: the current two-step code of a demo login.

Only for devices the demo enrolled with its published keys; a real user's device is never
read, so this cannot be used to get round anyone's MFA.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from coproduce.seed.demo import TOTP_DEVICE_NAME


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo login (e.g. coproduce totp clinician)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        device = TOTPDevice.objects.filter(
            user__username=username, name=TOTP_DEVICE_NAME, confirmed=True
        ).first()
        if device is None:
            raise CommandError(f"{username!r} has no demo authenticator (only demo logins do).")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
