"""`coproduce seed`: the demo network, or a synthetic registry of any size.

coproduce seed --demo                      # make demo: 4 units, 320 + 4,000 patients, logins
coproduce seed --patients 5000 --seed 7    # a registry network "registry-7"
coproduce seed --patients 5000 --process   # with the QI process and experience rows
coproduce seed --patients 1000000 --seed 1 --bulk --stats var/bench/stats.json
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coproduce.core.clock import today
from coproduce.interop.fhir.instrument_files import load_built_in_definitions
from coproduce.network.models import Network
from coproduce.seed import demo, load
from coproduce.seed.registry import registry_plan

# Above this many patients, patients are written with the bulk writer, not the services.
SERVICES_PATIENT_LIMIT = 5000


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a date like 2026-01-31, not {text!r}") from None


class Command(BaseCommand):
    help = "Create the demo network, or a deterministic synthetic registry."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--demo", action="store_true", help="the demo network and logins")
        parser.add_argument("--patients", type=int, default=1000)
        parser.add_argument(
            "--seed", type=int, default=1, help="random seed (same seed, same data)"
        )
        parser.add_argument("--years", type=float, default=2.0, help="years of history")
        parser.add_argument(
            "--end-date",
            type=_date,
            default=None,
            help="history ends the day before this date (default: today); fix it to "
            "reproduce a registry exactly",
        )
        parser.add_argument("--network", default="", help="network slug (default registry-SEED)")
        parser.add_argument("--units", type=int, default=None, help="number of units")
        parser.add_argument(
            "--bulk",
            action="store_true",
            help=f"bulk-write patients (automatic above {SERVICES_PATIENT_LIMIT})",
        )
        parser.add_argument(
            "--process",
            action="store_true",
            help="also write reports due, visits and agendas, visit-experience answers, "
            "alerts, own goals and screening after 65 (the QI process measures' rows; off by "
            "default: slow for a million patients)",
        )
        parser.add_argument("--stats", type=Path, help="write timings as JSON to this file")

    def handle(self, *args, **options) -> None:
        end_date = options["end_date"] or today()
        if options["demo"]:
            self._demo(end_date)
            return
        if options["patients"] < 1:
            raise CommandError("--patients must be at least 1.")
        if options["years"] <= 0:
            raise CommandError("--years must be more than 0.")
        self._registry(options, end_date)

    def _demo(self, end_date: dt.date) -> None:
        if demo.demo_exists():
            self.stdout.write("The demo network is already loaded; nothing changed.")
        else:
            started = time.perf_counter()
            rows = demo.demo_create(end_date=end_date)
            self.stdout.write(
                f"Demo network loaded: {demo.DEMO_PATIENTS} patients (two with their stories)"
                f" and a registry cohort of {demo.DEMO_COHORT_PATIENTS}, {rows} observations "
                f"in {time.perf_counter() - started:.1f} s."
            )
        self.stdout.write("Demo logins (role, username, password):")
        for line in demo.login_lines():
            self.stdout.write(line)

    def _registry(self, options: dict, end_date: dt.date) -> None:
        slug = options["network"] or f"registry-{options['seed']}"
        if Network.objects.filter(slug=slug).exists():
            raise CommandError(f"Network {slug!r} already exists; choose another --network.")
        plan = registry_plan(
            patients=options["patients"],
            seed=options["seed"],
            end_date=end_date,
            years=options["years"],
            units=options["units"],
        )
        progress = self._progress
        started = time.perf_counter()
        organisation = load.organisation_create(
            plan=plan, actor=None, slug=slug, name=f"Synthetic registry {slug}"
        )
        programme_ids = load.programmes_ensure(actor=None)
        bulk = options["bulk"] or plan.patients > SERVICES_PATIENT_LIMIT
        if bulk:
            patient_ids, patients = load.patients_create_in_bulk(
                plan=plan,
                organisation=organisation,
                programme_ids=programme_ids,
                actor=None,
                progress=progress,
            )
        else:
            t = time.perf_counter()
            patient_ids = load.patients_create_with_services(
                plan=plan,
                organisation=organisation,
                programme_ids=programme_ids,
                actor=None,
                progress=progress,
            )
            patients = load.Timing(rows=plan.patients, seconds=time.perf_counter() - t)
        observations = load.observations_create(
            plan=plan,
            patient_ids=patient_ids,
            unit_ids=organisation.unit_ids,
            actor=None,
            progress=progress,
        )
        process = None
        if options["process"]:
            load_built_in_definitions()  # the visit-experience questionnaire
            process = load.process_create(
                plan=plan,
                organisation=organisation,
                patient_ids=patient_ids,
                recorder=load.import_account_create(
                    actor=None, network=organisation.network, username=f"import-{slug}"
                ),
                actor=None,
                progress=progress,
            )
        total = time.perf_counter() - started
        stats = {
            "database": load.database_vendor(),
            "network": slug,
            "patients": patients.rows,
            "patient_seconds": round(patients.seconds, 2),
            "patients_per_second": round(patients.per_second),
            "observations": observations.rows,
            "observation_seconds": round(observations.seconds, 2),
            "observations_per_second": round(observations.per_second),
            "total_seconds": round(total, 2),
            "years": plan.years,
            "seed": plan.seed,
            "end_date": plan.end_date.isoformat(),
        }
        if process is not None:
            stats["process"] = dataclasses.asdict(process)
        self.stdout.write(
            f"{slug}: {patients.rows} patients ({patients.per_second:,.0f}/s), "
            f"{observations.rows} observations ({observations.per_second:,.0f}/s), "
            f"{total:.1f} s in all."
        )
        if options["stats"]:
            options["stats"].write_text(json.dumps(stats, indent=2))

    def _progress(self, message: str) -> None:
        self.stderr.write(f"[{time.strftime('%H:%M:%S')}] {message}")
