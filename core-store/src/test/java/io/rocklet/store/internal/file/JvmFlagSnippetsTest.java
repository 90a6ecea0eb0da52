package io.rocklet.store.internal.file;

import io.rocklet.store.internal.file.JvmFlagSnippets.Launcher;
import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JvmFlagSnippetsTest
{
    @Test
    void shouldRecogniseTheLauncherWhenItsMarkersArePresent()
    {
        assertEquals(Launcher.MAVEN_SUREFIRE, JvmFlagSnippets.detect(properties("surefire.real.class.path"),
            name -> false));
        assertEquals(Launcher.GRADLE, JvmFlagSnippets.detect(properties("org.gradle.test.worker"), name -> false));
        assertEquals(Launcher.SPRING_BOOT, JvmFlagSnippets.detect(new Properties(),
            name -> name.equals("org.springframework.boot.SpringApplication")));
        assertEquals(Launcher.OTHER, JvmFlagSnippets.detect(new Properties(), name -> false));
        assertEquals(Launcher.MAVEN_SUREFIRE, JvmFlagSnippets.detect(), "this test runs under surefire");
    }

    @Test
    void shouldCarryEveryFlagInEachSnippetWhenPrinted()
    {
        final String[] flags = JvmFlags.ALL_FLAGS.split(" ");
        for (final Launcher launcher : Launcher.values())
        {
            final String snippet = JvmFlagSnippets.snippet(launcher);
            for (final String flag : flags)
            {
                final String module = flag.substring(flag.indexOf('=') + 1, flag.lastIndexOf('='));
                assertTrue(snippet.contains(launcher == Launcher.SPRING_BOOT ? module : flag),
                    launcher + " lacks " + flag + ": " + snippet);
            }
        }
        assertTrue(JvmFlagSnippets.snippet(Launcher.MAVEN_SUREFIRE).contains("<argLine>--add-opens="));
        assertTrue(JvmFlagSnippets.snippet(Launcher.GRADLE).contains("jvmArgs('--add-opens="));
        assertTrue(JvmFlagSnippets.snippet(Launcher.SPRING_BOOT).contains("<Add-Opens>java.base/sun.nio.ch java.base/"));
        assertTrue(JvmFlagSnippets.snippet(Launcher.OTHER).startsWith("any launcher: export JAVA_TOOL_OPTIONS=\""));
    }

    private static Properties properties(final String name)
    {
        final Properties properties = new Properties();
        properties.setProperty(name, "x");
        return properties;
    }
}
