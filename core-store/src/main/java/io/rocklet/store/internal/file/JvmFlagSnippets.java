package io.rocklet.store.internal.file;

import java.util.Properties;
import java.util.function.Predicate;

/**
 * The JVM flags Chronicle needs ({@link JvmFlags#ALL_FLAGS}) as the build tool that started this JVM wants them: a
 * surefire {@code argLine}, Gradle {@code jvmArgs}, a Spring Boot jar's manifest, or {@code JAVA_TOOL_OPTIONS}.
 * The README's "JVM flags" section shows all of them. Stateless.
 */
public final class JvmFlagSnippets
{
    /** Who started this JVM, as far as it can tell. */
    public enum Launcher
    {
        MAVEN_SUREFIRE, GRADLE, SPRING_BOOT, OTHER
    }

    private JvmFlagSnippets()
    {
    }

    /**
     * @return the launcher of this JVM.
     */
    public static Launcher detect()
    {
        return detect(System.getProperties(), JvmFlagSnippets::loadable);
    }

    /**
     * @param properties  the JVM's system properties.
     * @param classExists whether a class of that name is on the class path.
     */
    static Launcher detect(final Properties properties, final Predicate<String> classExists)
    {
        if (properties.getProperty("surefire.real.class.path") != null ||
            properties.getProperty("surefire.test.class.path") != null)
        {
            return Launcher.MAVEN_SUREFIRE;
        }
        if (properties.getProperty("org.gradle.test.worker") != null ||
            properties.getProperty("org.gradle.appname") != null)
        {
            return Launcher.GRADLE;
        }
        if (classExists.test("org.springframework.boot.SpringApplication"))
        {
            return Launcher.SPRING_BOOT;
        }
        return Launcher.OTHER;
    }

    /**
     * @return how to give the flags to a JVM that {@code launcher} starts.
     */
    public static String snippet(final Launcher launcher)
    {
        final String flags = JvmFlags.ALL_FLAGS;
        return switch (launcher)
        {
            case MAVEN_SUREFIRE -> "Maven: in the maven-surefire-plugin (and failsafe) <configuration>: <argLine>" +
                flags + "</argLine>";
            case GRADLE -> "Gradle: tasks.withType(Test).configureEach { jvmArgs(" + quoted(flags) + ") } and, for " +
                "the application plugin, application { applicationDefaultJvmArgs = [" + quoted(flags) + "] }";
            case SPRING_BOOT -> "Spring Boot: java -jar reads the flags from the jar's manifest: in the " +
                "maven-jar-plugin <archive><manifestEntries>: <Add-Opens>" + manifestList(flags, "--add-opens=") +
                "</Add-Opens><Add-Exports>" + manifestList(flags, "--add-exports=") + "</Add-Exports> " +
                "(spring-boot:run: <jvmArguments>" + flags + "</jvmArguments>)";
            case OTHER -> "any launcher: export JAVA_TOOL_OPTIONS=\"" + flags + "\"";
        };
    }

    private static String quoted(final String flags)
    {
        return "'" + flags.replace(" ", "', '") + "'";
    }

    /** {@code --add-opens=java.base/java.lang=ALL-UNNAMED ...} to the manifest's {@code java.base/java.lang ...}. */
    private static String manifestList(final String flags, final String prefix)
    {
        final StringBuilder list = new StringBuilder();
        for (final String flag : flags.split(" "))
        {
            if (flag.startsWith(prefix))
            {
                if (!list.isEmpty())
                {
                    list.append(' ');
                }
                list.append(flag, prefix.length(), flag.length() - "=ALL-UNNAMED".length());
            }
        }
        return list.toString();
    }

    private static boolean loadable(final String className)
    {
        try
        {
            Class.forName(className, false, JvmFlagSnippets.class.getClassLoader());
            return true;
        }
        catch (final ClassNotFoundException | LinkageError e)
        {
            return false;
        }
    }
}
