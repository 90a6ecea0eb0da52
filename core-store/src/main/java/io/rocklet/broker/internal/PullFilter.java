package io.rocklet.broker.internal;

import io.rocklet.api.TagFilter;
import io.rocklet.api.filter.SqlFilter;
import io.rocklet.store.StoredMessage;

import java.util.ArrayList;
import java.util.List;

/**
 * What a pull accepts: its tag filter (checked by the store by tag code) and, optionally, an SQL92 filter over the
 * message properties, checked on the messages the store read. Immutable.
 *
 * @param tags the tag filter.
 * @param sql  the SQL92 filter, or null for none.
 */
record PullFilter(TagFilter tags, SqlFilter sql)
{
    /**
     * @return the messages of {@code read} the SQL filter accepts (all of them without one).
     */
    List<StoredMessage> select(final List<StoredMessage> read)
    {
        if (sql == null)
        {
            return read;
        }
        List<StoredMessage> matched = null;
        for (int i = 0; i < read.size(); i++)
        {
            final StoredMessage message = read.get(i);
            if (sql.matches(message))
            {
                if (matched == null)
                {
                    matched = new ArrayList<>(read.size() - i);
                }
                matched.add(message);
            }
        }
        return matched == null ? List.of() : matched;
    }
}
