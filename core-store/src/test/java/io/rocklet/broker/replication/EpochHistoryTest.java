package io.rocklet.broker.replication;

import io.rocklet.api.spi.EpochEntry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EpochHistoryTest
{
    private static EpochEntry e(final long epoch, final long start)
    {
        return new EpochEntry(epoch, start);
    }

    @Test
    void shouldAgreeUpToTheSlavesEndWhenItsHistoryIsAPrefixOfTheMasters()
    {
        assertEquals(500, EpochHistory.consistentPoint(List.of(e(1, 0)), 500, List.of(e(1, 0), e(2, 800)), 1000));
        assertEquals(900, EpochHistory.consistentPoint(List.of(e(1, 0), e(2, 800)), 900,
            List.of(e(1, 0), e(2, 800), e(3, 950)), 1000));
    }

    @Test
    void shouldCutAtTheNewEpochWhenTheOldMasterWroteOnInItsOwnEpoch()
    {
        // the old master (epoch 1) wrote up to 1200; the new master began epoch 2 at 1000
        assertEquals(1000, EpochHistory.consistentPoint(List.of(e(1, 0)), 1200, List.of(e(1, 0), e(2, 1000)), 1500));
    }

    @Test
    void shouldCutAtTheSharedEpochsEndWhenTheSlaveHasAnEpochTheMasterNeverHad()
    {
        assertEquals(700, EpochHistory.consistentPoint(List.of(e(1, 0), e(3, 700)), 900,
            List.of(e(1, 0), e(2, 700)), 1000));
    }

    @Test
    void shouldCutAtTheMastersEndWhenTheSlaveIsAhead()
    {
        assertEquals(400, EpochHistory.consistentPoint(List.of(e(1, 0)), 600, List.of(e(1, 0)), 400));
    }

    @Test
    void shouldShareNothingWhenNoEpochMatches()
    {
        assertEquals(0, EpochHistory.consistentPoint(List.of(e(4, 0)), 600, List.of(e(1, 0)), 400));
        assertEquals(0, EpochHistory.consistentPoint(List.of(), 0, List.of(e(1, 0)), 400));
    }

    @Test
    void shouldEndAChunkAtTheNextEpochStart()
    {
        assertEquals(800, EpochHistory.nextEpochStart(List.of(e(1, 0), e(2, 800)), 100));
        assertEquals(Long.MAX_VALUE, EpochHistory.nextEpochStart(List.of(e(1, 0), e(2, 800)), 800));
    }
}
