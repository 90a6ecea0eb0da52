package io.rocklet.api.auth;

import io.rocklet.api.InvalidArgumentException;

/**
 * What a caller does to a resource (RocketMQ ACL 2.0's actions). Written in policies by {@link #label()}, case
 * ignored.
 */
public enum Action
{
    /** Send messages to a topic. */
    PUB("Pub"),
    /** Consume a topic, or act as a member of a consumer group. */
    SUB("Sub"),
    /** Create a topic (or update it through the same call). */
    CREATE("Create"),
    /** Change something that exists (a group's offsets). */
    UPDATE("Update"),
    /** Delete a topic. */
    DELETE("Delete"),
    /** Read the state of one resource. */
    GET("Get"),
    /** List resources. */
    LIST("List"),
    /** Manage users and policies. */
    ADMIN("Admin");

    private final String label;

    Action(final String label)
    {
        this.label = label;
    }

    /**
     * @return the name used in policies and messages ({@code Pub}, {@code Sub}, ...).
     */
    public String label()
    {
        return label;
    }

    /**
     * @param text an action's label or name, case ignored.
     * @throws InvalidArgumentException naming the text and the allowed values when it is none.
     */
    public static Action parse(final String text)
    {
        if (text != null)
        {
            for (final Action action : values())
            {
                if (action.label.equalsIgnoreCase(text.trim()))
                {
                    return action;
                }
            }
        }
        throw new InvalidArgumentException("unknown action: action=" + text +
            ", allowed=Pub,Sub,Create,Update,Delete,Get,List,Admin or *");
    }

    @Override
    public String toString()
    {
        return label;
    }
}
