using Cohort.Core.Storage;

namespace Cohort.Core.Tests.Storage;

/// <summary>The store contract against <see cref="InMemoryExperimentStore"/>.</summary>
public sealed class InMemoryExperimentStoreTests : ExperimentStoreContractTests
{
    protected override Task<IExperimentStore> CreateStoreAsync(TimeProvider time) =>
        Task.FromResult<IExperimentStore>(new InMemoryExperimentStore(time));
}
