package io.rocklet.transport.grpc;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.auth.Action;
import io.rocklet.api.auth.Policy;
import io.rocklet.api.auth.ResourcePattern;
import io.rocklet.api.auth.SourceRange;
import io.rocklet.api.auth.User;
import io.rocklet.api.auth.UserInfo;
import io.rocklet.transport.grpc.proto.CommonProto;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Encodes and decodes the users and policies of {@link io.rocklet.api.spi.AccessService} (brokers and routers alike):
 * policies travel in the rules file's words (action labels, resource patterns, CIDR ranges), parsed here with the
 * same errors as the file's. A user's secret travels only in a create or update request; listings carry
 * {@link UserInfo}. Stateless.
 */
final class AccessCodec
{
    static final CommonProto.ListUsersRequest LIST_USERS = CommonProto.ListUsersRequest.getDefaultInstance();
    static final CommonProto.ListPoliciesRequest LIST_POLICIES =
        CommonProto.ListPoliciesRequest.getDefaultInstance();

    private AccessCodec()
    {
    }

    static CommonProto.User user(final User user)
    {
        return CommonProto.User.newBuilder().setName(user.name()).setKind(kind(user.kind()))
            .setSecret(user.secret() == null ? "" : user.secret())
            .setCertificateSubject(user.certificateSubject() == null ? "" : user.certificateSubject()).build();
    }

    static User user(final CommonProto.User user)
    {
        return new User(user.getName(), kind(user.getKind(), user.getName()), emptyToNull(user.getSecret()),
            emptyToNull(user.getCertificateSubject()));
    }

    static CommonProto.UserInfos userInfos(final List<UserInfo> users)
    {
        final CommonProto.UserInfos.Builder builder = CommonProto.UserInfos.newBuilder();
        for (final UserInfo user : users)
        {
            builder.addUsers(CommonProto.UserInfo.newBuilder().setName(user.name()).setKind(kind(user.kind()))
                .setCertificateSubject(user.certificateSubject() == null ? "" : user.certificateSubject())
                .setHasSecret(user.hasSecret()));
        }
        return builder.build();
    }

    static List<UserInfo> userInfos(final CommonProto.UserInfos users)
    {
        final List<UserInfo> infos = new ArrayList<>(users.getUsersCount());
        for (final CommonProto.UserInfo user : users.getUsersList())
        {
            infos.add(new UserInfo(user.getName(), kind(user.getKind(), user.getName()),
                emptyToNull(user.getCertificateSubject()), user.getHasSecret()));
        }
        return infos;
    }

    static CommonProto.UserName userName(final String name)
    {
        return CommonProto.UserName.newBuilder().setName(name == null ? "" : name).build();
    }

    static CommonProto.Policies policies(final List<Policy> policies)
    {
        final CommonProto.Policies.Builder builder = CommonProto.Policies.newBuilder();
        policies.forEach(policy -> builder.addPolicies(policy(policy)));
        return builder.build();
    }

    static List<Policy> policies(final CommonProto.Policies policies)
    {
        return policies.getPoliciesList().stream().map(AccessCodec::policy).toList();
    }

    static CommonProto.PutPoliciesRequest putPolicies(final String user, final List<Policy> policies)
    {
        final CommonProto.PutPoliciesRequest.Builder builder = CommonProto.PutPoliciesRequest.newBuilder()
            .setUser(user == null ? "" : user);
        policies.forEach(policy -> builder.addPolicies(policy(policy)));
        return builder.build();
    }

    static List<Policy> putPolicies(final CommonProto.PutPoliciesRequest request)
    {
        return request.getPoliciesList().stream().map(AccessCodec::policy).toList();
    }

    static CommonProto.Policy policy(final Policy policy)
    {
        final CommonProto.Policy.Builder builder = CommonProto.Policy.newBuilder().setUser(policy.user())
            .setEffect(policy.effect().name().toLowerCase(Locale.ROOT));
        policy.actions().stream().sorted().forEach(action -> builder.addActions(action.label()));
        policy.resources().forEach(resource -> builder.addResources(resource.toString()));
        policy.sources().forEach(source -> builder.addSources(source.toString()));
        return builder.build();
    }

    static Policy policy(final CommonProto.Policy policy)
    {
        final Policy.Effect effect;
        try
        {
            effect = Policy.Effect.valueOf(policy.getEffect().toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException e)
        {
            throw new InvalidArgumentException("illegal policy: user=" + policy.getUser() + ", effect=" +
                policy.getEffect() + ", allowed=allow,deny");
        }
        final Set<Action> actions = EnumSet.noneOf(Action.class);
        policy.getActionsList().forEach(action -> actions.add(Action.parse(action)));
        final List<ResourcePattern> resources = policy.getResourcesList().stream().map(ResourcePattern::parse)
            .toList();
        final List<SourceRange> sources = policy.getSourcesList().stream().map(SourceRange::parse).toList();
        return new Policy(policy.getUser(), effect, actions, resources, sources);
    }

    private static String kind(final User.Kind kind)
    {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private static User.Kind kind(final String kind, final String user)
    {
        try
        {
            return User.Kind.valueOf(kind.toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException e)
        {
            throw new InvalidArgumentException("illegal user: user=" + user + ", kind=" + kind +
                ", allowed=client,super,member");
        }
    }

    private static String emptyToNull(final String text)
    {
        return text.isEmpty() ? null : text;
    }
}
