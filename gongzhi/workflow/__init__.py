"""The workflow layer: how a record of any domain moves through its states (cases today; disputes,
care visits, certificates next). A domain writes its table of transitions and one function per
action for what that action changes; this package does the rest the same way for all of them —
the lock through scope, the guard, the clock of the step that starts, the immutable event, the
domain's hooks — in one transaction. See `table` (what a domain declares) and `engine` (`take`,
the pure step the demo's replay also uses, and `act`, the only way a record changes state)."""
