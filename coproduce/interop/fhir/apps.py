from django.apps import AppConfig


class FhirConfig(AppConfig):
    """The FHIR edge: mapping to and from FHIR R4 resources, and the commands that read and
    write FHIR files (`coproduce instruments …`)."""

    name = "coproduce.interop.fhir"
    label = "fhir"
