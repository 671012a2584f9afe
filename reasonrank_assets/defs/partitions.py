import dagster as dg

# One partition per StackExchange site ("homebrew.stackexchange.com"), added when its dump appears.
site_partitions = dg.DynamicPartitionsDefinition(name="stackexchange_site")

# One partition per benchmark domain, keyed "<benchmark>/<domain>" ("bright/biology").
domain_partitions = dg.DynamicPartitionsDefinition(name="benchmark_domain")


def split_domain_key(key: str) -> tuple[str, str]:
    benchmark, _, domain = key.partition("/")
    return benchmark, domain


# Declarative automation. Cheap or cached steps follow their upstream at once (teacher answers
# are cached, so following never pays twice); GPU-heavy steps wait for a weekly window.
FOLLOW = dg.AutomationCondition.eager()
RETRAIN = dg.AutomationCondition.on_cron("0 5 * * 1")
