"""Reading ids that arrive from URLs and forms."""

# Primary keys are 64-bit signed integers (BigAutoField) on both databases.
PK_MAX = 2**63 - 1


def as_pk(value: object) -> int | None:
    """The value as a primary key, or None if it is not a whole number that fits one."""
    try:
        pk = int(str(value))
    except ValueError:
        return None
    return pk if -PK_MAX <= pk <= PK_MAX else None
