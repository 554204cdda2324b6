using System;
using Residual.Training;
using Xunit;

namespace Residual.Runtime.Tests.Training;

public class CosineScheduleTests
{
    [Fact]
    public void Warms_up_linearly_then_decays_along_a_cosine_to_the_minimum()
    {
        var schedule = new CosineSchedule(maxRate: 1f, minRate: 0.1f, warmupSteps: 4, totalSteps: 14);
        Assert.Equal(0.25f, schedule.At(0));
        Assert.Equal(0.75f, schedule.At(2));
        Assert.Equal(1f, schedule.At(4));
        Assert.Equal(0.55f, schedule.At(9), 6);   // halfway through the decay: (max + min) / 2
        Assert.Equal(0.1f, schedule.At(14), 6);
        Assert.Equal(0.1f, schedule.At(1000), 6);
        for (int step = 4; step < 14; step++) Assert.True(schedule.At(step + 1) <= schedule.At(step));
    }

    [Fact]
    public void Without_warmup_the_first_step_is_the_peak()
    {
        Assert.Equal(2f, new CosineSchedule(2f, 1f, 0, 10).At(0));
    }

    [Fact]
    public void Bad_arguments_throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineSchedule(0f, 0f, 0, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineSchedule(1f, 2f, 0, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineSchedule(1f, 0.1f, 10, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineSchedule(1f, 0.1f, 0, 10).At(-1));
    }
}
