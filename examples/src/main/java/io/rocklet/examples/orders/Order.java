package io.rocklet.examples.orders;

/**
 * An order of the example shop.
 *
 * @param id          the order id, also the message key.
 * @param customer    who placed it.
 * @param amountCents what it costs.
 */
public record Order(String id, String customer, long amountCents)
{
    /**
     * @return the order as the JSON body of its event.
     */
    String toJson()
    {
        return "{\"id\":\"" + id + "\",\"customer\":\"" + customer + "\",\"amountCents\":" + amountCents + "}";
    }
}
