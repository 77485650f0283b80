using Cohort.Core.Storage;
using Cohort.Core.Tests.Storage;

namespace Cohort.Storage.Postgres.Tests;

/// <summary>The store contract against <see cref="PostgresExperimentStore"/>; each test opens a fresh experiment.</summary>
public sealed class PostgresExperimentStoreContractTests : ExperimentStoreContractTests
{
    protected override async Task<IExperimentStore> CreateStoreAsync(TimeProvider time) =>
        await PostgresExperimentStore.OpenAsync(PostgresTestDatabase.Require(), PostgresTestDatabase.NewExperiment("contract"), time, None);
}
