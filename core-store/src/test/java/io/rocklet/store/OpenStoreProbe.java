package io.rocklet.store;

import io.rocklet.api.RockletException;

import java.nio.file.Path;

/**
 * The main class of the child JVMs some tests start: tries to open the store in the directory given as
 * the first argument (with {@link TestStores#small} settings) and prints {@code OPENED} or
 * {@code ERROR <code> <message>} on one line. Not a test.
 */
public final class OpenStoreProbe
{
    private OpenStoreProbe()
    {
    }

    public static void main(final String[] args)
    {
        try (MessageStore store = MessageStores.open(TestStores.small(Path.of(args[0])).build()))
        {
            System.out.println("OPENED " + store.stats().writePosition());
        }
        catch (final RockletException e)
        {
            System.out.println("ERROR " + e.errorCode() + " " + e.getMessage());
        }
        System.out.flush();
    }
}
