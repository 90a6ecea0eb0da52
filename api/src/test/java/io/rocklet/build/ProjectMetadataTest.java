package io.rocklet.build;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a company needs before it accepts the artifacts: the root pom and the BOM (which has no parent) name the
 * project, its URL, the Apache-2.0 license, the SCM and the developers (every module inherits the root's); every
 * module pom has a name and a description; LICENSE and NOTICE exist at the root (every jar carries them); the BOM
 * manages exactly the library modules, at the root's version.
 */
class ProjectMetadataTest
{
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path BOM = ROOT.resolve("api/bom/pom.xml");

    @Test
    void shouldDeclarePublishableMetadataWhenTheRootPomIsRead() throws Exception
    {
        assertPublishable(ROOT.resolve("pom.xml"));
    }

    @Test
    void shouldDeclarePublishableMetadataWhenTheBomIsRead() throws Exception
    {
        assertPublishable(BOM);
    }

    @Test
    void shouldManageEveryLibraryModuleAtTheRootsVersionWhenTheBomIsRead() throws Exception
    {
        final Element root = read(ROOT.resolve("pom.xml"));
        final Element bom = read(BOM);
        assertEquals("rocklet-bom", text(bom, "artifactId"));
        assertEquals(text(root, "version"), text(bom, "version"), "the BOM's version is the root's");
        final Set<String> libraries = new TreeSet<>();
        final Element modules = child(root, "modules");
        for (Node node = modules.getFirstChild(); node != null; node = node.getNextSibling())
        {
            if (node instanceof Element module)
            {
                final Path pom = ROOT.resolve(module.getTextContent().trim()).resolve("pom.xml");
                if (Files.readString(pom).contains("<artifactId>maven-javadoc-plugin</artifactId>"))
                {
                    libraries.add(text(read(pom), "artifactId")); // a published library: it ships a javadoc jar
                }
            }
        }
        final Set<String> managed = new TreeSet<>();
        final Element dependencies = child(child(bom, "dependencyManagement"), "dependencies");
        for (Node node = dependencies.getFirstChild(); node != null; node = node.getNextSibling())
        {
            if (node instanceof Element dependency)
            {
                assertEquals("${project.version}", text(dependency, "version"), text(dependency, "artifactId"));
                managed.add(text(dependency, "artifactId"));
            }
        }
        assertEquals(libraries, managed, "the BOM lists exactly the library modules");
    }

    private static void assertPublishable(final Path pom) throws Exception
    {
        final Element root = read(pom);
        for (final String field : List.of("name", "description", "url", "inceptionYear"))
        {
            assertTrue(!text(root, field).isBlank(), pom + ": <" + field + "> is missing");
        }
        final Element license = child(child(root, "licenses"), "license");
        assertEquals("Apache-2.0", text(license, "name"));
        assertEquals("https://www.apache.org/licenses/LICENSE-2.0.txt", text(license, "url"));
        final Element scm = child(root, "scm");
        for (final String field : List.of("connection", "developerConnection", "url"))
        {
            assertTrue(!text(scm, field).isBlank(), pom + ": <scm><" + field + "> is missing");
        }
        assertTrue(!text(child(child(root, "developers"), "developer"), "name").isBlank(), pom + ": no developer");
    }

    @Test
    void shouldNameAndDescribeEveryModuleWhenItsPomIsRead() throws Exception
    {
        final List<String> problems = new ArrayList<>();
        final Element modules = child(read(ROOT.resolve("pom.xml")), "modules");
        for (Node node = modules.getFirstChild(); node != null; node = node.getNextSibling())
        {
            if (node instanceof Element module)
            {
                final Element pom = read(ROOT.resolve(module.getTextContent().trim()).resolve("pom.xml"));
                for (final String field : List.of("name", "description"))
                {
                    if (text(pom, field).isBlank())
                    {
                        problems.add(module.getTextContent().trim() + ": <" + field + ">");
                    }
                }
            }
        }
        assertEquals(List.of(), problems, "module poms without a name or description");
        assertTrue(Files.readString(ROOT.resolve("LICENSE")).contains("Apache License"), "LICENSE");
        assertTrue(Files.readString(ROOT.resolve("NOTICE")).startsWith("Rocklet"), "NOTICE");
    }

    private static Element read(final Path pom) throws Exception
    {
        final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        final Document document = factory.newDocumentBuilder().parse(pom.toFile());
        return document.getDocumentElement();
    }

    private static Element child(final Element parent, final String name)
    {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling())
        {
            if (node instanceof Element element && element.getTagName().equals(name))
            {
                return element;
            }
        }
        throw new AssertionError("<" + parent.getTagName() + "> has no <" + name + ">");
    }

    private static String text(final Element parent, final String name)
    {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling())
        {
            if (node instanceof Element element && element.getTagName().equals(name))
            {
                return element.getTextContent().trim();
            }
        }
        return "";
    }
}
