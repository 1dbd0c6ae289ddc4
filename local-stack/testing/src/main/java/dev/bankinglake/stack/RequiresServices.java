package dev.bankinglake.stack;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The services a test class needs; without it, {@link LocalStackExtension} starts the infrastructure services. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface RequiresServices {
    Service[] value();
}
