import Model

// Checks of numeric options. Their values are parsed unconditionally (`--window -3` is a value,
// not a flag), so a negative one arrives here and is refused by name with the value given.

/// Refuses `value` of `option` when it is below `minimum`.
func require(_ option: String, _ value: Int, atLeast minimum: Int) throws {
    guard value >= minimum else { throw InputError("\(option) \(value)", "must be at least \(minimum)") }
}
