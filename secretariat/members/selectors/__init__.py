"""Every read of the member registry, one module per part: `registry` (the directory, members
on a date, institutions), `requests`, `corrections`, `accounts`, `standing`, `imports`,
`dashboard`; `history` is the action-log history of one record.

`country_list` is re-exported here for the other apps' forms (governance's session form).
"""

from secretariat.members.selectors.registry import country_list

__all__ = ["country_list"]
