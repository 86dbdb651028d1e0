extension AuditSnapshot {
    /// The journal fields of the MaxStartups gauge: startups now and the setting, written `start:rate:full`
    /// when the on-disk configuration agrees with the running listener (the title has no rate), else
    /// `start-full` as the title prints it.
    func startupsFields(_ gauge: MaxStartupsGauge) -> [String: String] {
        var fields = [FindingField.startups: String(gauge.active)]
        if let setting = self.sshdConfig?.maxStartups, setting.start == gauge.start, setting.full == gauge.full {
            fields[FindingField.maxStartups] = setting.description
        } else {
            fields[FindingField.maxStartups] = "\(gauge.start)-\(gauge.full)"
        }
        if let unit = self.service?.name { fields[FindingField.unit] = unit }
        return fields
    }
}
