package dev.berth.project;

/**
 * What a proxy-cache project gets when it is created, besides itself. Implemented above this
 * package (by retention, which gives it Harbor's default policy); called by the project API after
 * the project is created, as Harbor's does.
 */
public interface ProxyProjectDefaults {
    void created(Project project);
}
