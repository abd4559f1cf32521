"""Reading ids that arrive from URLs and forms."""


def as_pk(value: object) -> int | None:
    """The value as a primary key, or None if it is not a whole number."""
    try:
        return int(str(value))
    except ValueError:
        return None
