extension UnitHealth {
    /// The journal fields describing the unit: name, state and result.
    var findingFields: [String: String] {
        [
            FindingField.unit: self.name,
            FindingField.unitState: self.stateText,
            FindingField.unitResult: self.result,
            FindingField.restarts: String(self.restarts),
        ]
    }
}
