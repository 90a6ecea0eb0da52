package io.rocklet.store.internal.file;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks, before any Chronicle class is touched, that the JVM was started with the
 * {@code --add-opens}/{@code --add-exports} flags Chronicle Bytes needs on Java 17+, and fails with
 * one message that lists them all when any is missing.
 */
public final class JvmFlags
{
    private static final String[] OPENS = {
        "java.base/sun.nio.ch", "java.base/java.lang", "java.base/java.nio", "java.base/java.lang.reflect",
        "java.base/jdk.internal.misc"};
    private static final String[] EXPORTS = {
        "java.base/jdk.internal.ref", "java.base/sun.nio.ch", "java.base/jdk.internal.misc", "jdk.unsupported/sun.misc"};

    /** Every flag, space separated, ready to paste on a java command line. */
    public static final String ALL_FLAGS = allFlags();

    private JvmFlags()
    {
    }

    /**
     * @return the flags this JVM lacks; empty when all are present.
     */
    public static List<String> missing()
    {
        final Module self = JvmFlags.class.getModule();
        final List<String> missing = new ArrayList<>();
        for (final String spec : OPENS)
        {
            if (!isOpen(spec, self, true))
            {
                missing.add(openFlag(spec));
            }
        }
        for (final String spec : EXPORTS)
        {
            if (!isOpen(spec, self, false))
            {
                missing.add(exportFlag(spec));
            }
        }
        return missing;
    }

    /**
     * @throws RockletException with {@link ErrorCode#ENVIRONMENT} listing every required flag when any is missing.
     */
    public static void check()
    {
        final List<String> missing = missing();
        if (!missing.isEmpty())
        {
            throw new RockletException(ErrorCode.ENVIRONMENT,
                "Chronicle Bytes cannot run: the JVM lacks " + String.join(" ", missing) +
                ". Start java with all of: " + ALL_FLAGS + ". " +
                JvmFlagSnippets.snippet(JvmFlagSnippets.detect()) +
                " (README, section JVM flags: Maven, Gradle, Spring Boot, JAVA_TOOL_OPTIONS)");
        }
    }

    private static boolean isOpen(final String spec, final Module target, final boolean deep)
    {
        final int slash = spec.indexOf('/');
        final Module module = ModuleLayer.boot().findModule(spec.substring(0, slash)).orElse(null);
        if (module == null)
        {
            return false;
        }
        final String pkg = spec.substring(slash + 1);
        return deep ? module.isOpen(pkg, target) : module.isExported(pkg, target);
    }

    private static String openFlag(final String spec)
    {
        return "--add-opens=" + spec + "=ALL-UNNAMED";
    }

    private static String exportFlag(final String spec)
    {
        return "--add-exports=" + spec + "=ALL-UNNAMED";
    }

    private static String allFlags()
    {
        final List<String> flags = new ArrayList<>();
        for (final String spec : OPENS)
        {
            flags.add(openFlag(spec));
        }
        for (final String spec : EXPORTS)
        {
            flags.add(exportFlag(spec));
        }
        return String.join(" ", flags);
    }
}
